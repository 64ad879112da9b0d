/* config_sending.h: parsing an account's sending: block (private to conf/;
 * the struct is in config.h). Errors go to the document's list (config_yaml.h). */
#ifndef KEP_CONFIG_SENDING_H
#define KEP_CONFIG_SENDING_H

#include "config.h"
#include "config_yaml.h"

void config_sending_defaults(struct sending_config *s);
void config_parse_sending(struct cy_doc *d, yaml_node_t *n, const char *dir,
			  struct sending_config *s);
void config_sending_free(struct sending_config *s);

#endif
