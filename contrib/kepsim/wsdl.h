/* wsdl.h: the WSDL document served at ?wsdl, built from the operation
 * table (document/literal, Axis2 style wrappers). Returns a malloc'ed
 * NUL-terminated string; location is the soap:address. Thread-safe. */
#ifndef KEPSIM_WSDL_H
#define KEPSIM_WSDL_H

char *wsdl_document(const char *location);

#endif
