#!/bin/sh
# tests/api-signed-range.sh with opaque-signed originals (application/pkcs7-mime
# signed-data, the content inside the CMS): over the API EBYS is shown only
# the attachments inside the encapsulated content, the attacks beside it are
# content outside the signature.
SIGNED_RANGE_OPAQUE=1
. "$top_srcdir/tests/api-signed-range.sh"
