#include "rw_tls.h"

#include <openssl/crypto.h>

const char *rw_tls_library_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}
