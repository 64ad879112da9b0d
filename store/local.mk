# SQLite store. (Filled in by the store module.)
STORE_LIB =
