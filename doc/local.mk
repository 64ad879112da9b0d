# Man pages.
dist_man_MANS += doc/kepagent.8
dist_noinst_DATA += doc/openapi.yaml doc/redocly.yaml
dist_man_MANS += doc/kepagent.yaml.5
