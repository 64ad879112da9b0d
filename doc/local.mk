# Man pages.
dist_man_MANS += doc/kepagent.8
