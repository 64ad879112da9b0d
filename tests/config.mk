# config (owned by its module; see HACKING.md)
