/* OpenSSL contexts for the scanner (client) and the lab (server). */
#ifndef EXH_NET_TLS_H
#define EXH_NET_TLS_H
#include <openssl/ssl.h>

/* A client context: TLS 1.0 to 1.3 with every cipher OpenSSL still has
 * (old Exchange needs them), certificates recorded but never verified. */
SSL_CTX *tls_client_ctx_new(void);
/* A server context with a fresh self-signed P-256 certificate for cn. */
SSL_CTX *tls_server_ctx_new(const char *cn);
/* A certificate for cn (and the DNS names in san, comma-separated, or
 * NULL) on the key of a server context made by tls_server_ctx_new, to
 * give one connection its own (SSL_use_certificate). NULL on failure. */
X509 *tls_server_cert(SSL_CTX *ctx, const char *cn, const char *san,
                      long serial);
/* SHA-256 of the peer certificate in hex (65 bytes), "" if none; the
 * subject CN into cn (cap bytes). */
void tls_peer_cert(SSL *ssl, char sha256[65], char *cn, size_t cap);

#endif
