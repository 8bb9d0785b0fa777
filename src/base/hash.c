#include "base/hash.h"
#include <openssl/evp.h>
#include <stdio.h>
#include "base/banned.h"

struct sha256 *sha256_new(void)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	if (md && !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		md = NULL;
	}
	return (struct sha256 *)md;
}

void sha256_update(struct sha256 *s, const void *p, size_t n)
{
	EVP_DigestUpdate((EVP_MD_CTX *)s, p, n);
}

bool sha256_hex(struct sha256 *s, char out[65])
{
	unsigned char d[32];
	unsigned int dn = 0, i;

	if (!EVP_DigestFinal_ex((EVP_MD_CTX *)s, d, &dn) || dn != 32)
		return false;
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	return true;
}

void sha256_free(struct sha256 *s)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)s);
}
