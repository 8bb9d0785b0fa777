/* tls_server_ctx_new's key is a legacy one (EC_KEY): deprecated API */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "net/tls.h"
#include <openssl/ec.h>
#include <openssl/x509v3.h>
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
	/* SSL_read returns after each record that carries no data (a
	 * session ticket, a key update) instead of looping inside OpenSSL:
	 * a server flooding such records cannot hold the event loop, and
	 * every record passes our byte count and deadline. */
	SSL_CTX_clear_mode(ctx, SSL_MODE_AUTO_RETRY);
	/* Our requests are small: a small write buffer saves ~15 KiB per
	 * connection, which matters at 10,000 connections. */
	SSL_CTX_set_max_send_fragment(ctx, 1024);
	/* Read what the socket holds at once, not a record header and then
	 * its body: a handshake and a response took some 24 reads. */
	SSL_CTX_set_read_ahead(ctx, 1);
	return ctx;
}

/* A P-256 key held the legacy way (EC_KEY). The lab gives each of its
 * thousands of servers a certificate of its own, made at its first
 * handshake. On a key of OpenSSL 3's own kind (a provider's),
 * X509_set_pubkey encodes the key and decodes it back, each time looking
 * the encoder and the decoder up among the providers, about 0.2 ms a
 * certificate: a third of the lab's work in a scan of 16,384 servers,
 * work that shares the cores with the scanner it serves. On a legacy key
 * it writes the key's point at once. The connection's key must be the
 * same kind (legacy): SSL_use_certificate otherwise converts the
 * context's key to the certificate's kind for every connection. */
static EVP_PKEY *legacy_key(void)
{
	EVP_PKEY *gen = EVP_EC_gen("P-256");
	EC_KEY *ec = gen ? EVP_PKEY_get1_EC_KEY(gen) : NULL;
	EVP_PKEY *key = ec ? EVP_PKEY_new() : NULL;

	EVP_PKEY_free(gen);
	if (!key || EVP_PKEY_assign_EC_KEY(key, ec) != 1) {
		EVP_PKEY_free(key);
		EC_KEY_free(ec);
		return NULL;
	}
	return key;
}

SSL_CTX *tls_server_ctx_new(const char *cn)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	EVP_PKEY *key = legacy_key();
	X509 *x = NULL;

	if (!key || !ctx || SSL_CTX_use_PrivateKey(ctx, key) != 1)
		goto fail;
	x = tls_server_cert(ctx, cn, NULL, 1);
	if (!x || SSL_CTX_use_certificate(ctx, x) != 1)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	/* Sessions resume from the server's own cache, as IIS's do (TLS
	 * 1.2 session ids; stateful tickets in 1.3); no stateless tickets
	 * unless a hostile persona floods them. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"exhunt",
	                               6);
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

X509 *tls_server_cert(SSL_CTX *ctx, const char *cn, const char *san,
                      long serial)
{
	EVP_PKEY *key = SSL_CTX_get0_privatekey(ctx);
	X509 *x = X509_new();
	X509_NAME *name;

	if (!key || !x)
		goto fail;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400L * 30);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
	if (X509_set_pubkey(x, key) != 1)
		goto fail;
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	                                (const unsigned char *)cn, -1, -1, 0))
		goto fail;
	X509_set_issuer_name(x, name);
	if (san) {
		char list[600];
		X509_EXTENSION *ext;
		snprintf(list, sizeof list, "%s", san);
		/* "DNS:a,DNS:b" from "a,b" */
		{
			char v[700] = "";
			char *save = NULL, *tok = strtok_r(list, ",", &save);
			while (tok) {
				size_t l = strlen(v);
				snprintf(v + l, sizeof v - l, "%sDNS:%s",
				         l ? "," : "", tok);
				tok = strtok_r(NULL, ",", &save);
			}
			ext = X509V3_EXT_conf_nid(NULL, NULL,
			                          NID_subject_alt_name, v);
		}
		if (!ext || !X509_add_ext(x, ext, -1)) {
			X509_EXTENSION_free(ext);
			goto fail;
		}
		X509_EXTENSION_free(ext);
	}
	if (!X509_sign(x, key, EVP_sha256()))
		goto fail;
	return x;
fail:
	X509_free(x);
	return NULL;
}
