#include "net/tls.h"
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include "base/banned.h"

SSL_CTX *tls_client_ctx_new(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS |
	                          SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT |
	                             SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	/* Our requests are small: a small write buffer saves ~15 KiB per
	 * connection, which matters at 10,000 connections. */
	SSL_CTX_set_max_send_fragment(ctx, 1024);
	return ctx;
}

SSL_CTX *tls_server_ctx_new(const char *cn)
{
	SSL_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	X509_NAME *name;

	key = EVP_EC_gen("P-256");
	x = X509_new();
	ctx = SSL_CTX_new(TLS_server_method());
	if (!key || !x || !ctx)
		goto fail;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	                           (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	if (!X509_sign(x, key, EVP_sha256()))
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_CTX_set_security_level(ctx, 0);
	if (SSL_CTX_use_certificate(ctx, x) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1)
		goto fail;
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	X509_free(x);
	EVP_PKEY_free(key);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	X509_free(x);
	EVP_PKEY_free(key);
	return NULL;
}

void tls_peer_cert(SSL *ssl, char sha256[65], char *cn, size_t cap)
{
	X509 *x = SSL_get1_peer_certificate(ssl);
	unsigned char md[32];
	unsigned int n = 0, i;

	sha256[0] = '\0';
	if (cap)
		cn[0] = '\0';
	if (!x)
		return;
	if (X509_digest(x, EVP_sha256(), md, &n) && n == 32)
		for (i = 0; i < 32; i++)
			snprintf(sha256 + 2 * i, 3, "%02x", md[i]);
	if (cap)
		X509_NAME_get_text_by_NID(X509_get_subject_name(x),
		                          NID_commonName, cn, (int)cap);
	X509_free(x);
}
