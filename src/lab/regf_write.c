#include "lab/regf_write.h"
#include "base/array.h"
#include "base/buf.h"
#include "base/endian.h"
#include "base/err.h"
#include "base/log.h"
#include "base/text.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/banned.h"

struct rval {
	char *name;
	uint32_t type;
	unsigned char *data;
	size_t len;
};

struct rkey {
	char *name;
	int64_t time;
	struct rkey **sub;
	size_t nsub, capsub;
	struct rval *val;
	size_t nval, capval;
};

struct regf {
	struct rkey root;
	struct buf cells; /* the hive bin's cells, from offset 32 */
	uint32_t sk;      /* the one security cell */
};

static uint64_t filetime(int64_t t)
{
	return (uint64_t)(t + 11644473600ll) * 10000000ull;
}

struct regf *regf_new(int64_t time)
{
	struct regf *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->root.name = strdup("ROOT");
	r->root.time = time;
	if (!r->root.name) {
		free(r);
		return NULL;
	}
	return r;
}

static struct rkey *child(struct rkey *k, const char *name, size_t n,
                          int64_t time)
{
	size_t i;
	struct rkey *c;

	for (i = 0; i < k->nsub; i++)
		if (strlen(k->sub[i]->name) == n &&
		    !strncasecmp(k->sub[i]->name, name, n)) {
			if (time > k->sub[i]->time)
				k->sub[i]->time = time;
			return k->sub[i];
		}
	if (array_reserve(&k->sub, &k->capsub, k->nsub + 1, sizeof *k->sub, 4))
		return NULL;
	c = calloc(1, sizeof *c);
	if (!c || !(c->name = strndup(name, n))) {
		free(c);
		return NULL;
	}
	c->time = time;
	k->sub[k->nsub++] = c;
	return c;
}

static struct rkey *key(struct regf *r, const char *path, int64_t time)
{
	struct rkey *k = &r->root;

	while (*path && k) {
		size_t n = strcspn(path, "\\");
		if (n)
			k = child(k, path, n, time);
		path += n;
		if (*path == '\\')
			path++;
	}
	return k;
}

static int set(struct regf *r, const char *path, const char *name,
               uint32_t type, const void *data, size_t n, int64_t time)
{
	struct rkey *k = key(r, path, time);
	struct rval *v;

	if (!k)
		return EXH_ENOMEM;
	if (!name)
		return 0;
	if (array_reserve(&k->val, &k->capval, k->nval + 1, sizeof *k->val, 4))
		return EXH_ENOMEM;
	v = &k->val[k->nval];
	v->name = strdup(name);
	v->data = malloc(n ? n : 1);
	if (!v->name || !v->data) {
		free(v->name);
		free(v->data);
		return EXH_ENOMEM;
	}
	memcpy(v->data, data, n);
	v->len = n;
	v->type = type;
	k->nval++;
	return 0;
}

int regf_set_sz(struct regf *r, const char *path, const char *name,
                uint32_t type, const char *text, int64_t time)
{
	const unsigned char *u = (const unsigned char *)text;
	size_t n = strlen(text), i = 0, o = 0;
	unsigned char *w = malloc(4 * n + 2);
	int rc;

	if (!w)
		return EXH_ENOMEM;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(u + i, n - i, &cp);
		if (!k) {
			cp = 0xfffd;
			k = 1;
		}
		i += k;
		if (cp >= 0x10000) {
			uint32_t hi = 0xd800 | (cp - 0x10000) >> 10,
			         lo = 0xdc00 | ((cp - 0x10000) & 0x3ff);
			w[o++] = (unsigned char)hi;
			w[o++] = (unsigned char)(hi >> 8);
			cp = lo;
		}
		w[o++] = (unsigned char)cp;
		w[o++] = (unsigned char)(cp >> 8);
	}
	w[o++] = 0;
	w[o++] = 0;
	rc = set(r, path, name, type, w, o, time);
	free(w);
	return rc;
}

int regf_set_dword(struct regf *r, const char *path, const char *name,
                   uint32_t v, int64_t time)
{
	unsigned char d[4] = {(unsigned char)v, (unsigned char)(v >> 8),
	                      (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 24)};

	return set(r, path, name, REGF_DWORD, d, 4, time);
}

int regf_set_binary(struct regf *r, const char *path, const char *name,
                    const void *data, size_t n, int64_t time)
{
	return set(r, path, name, REGF_BINARY, data, n, time);
}

/* A new allocated cell of n payload bytes (zeroed); its offset (from the
 * first hive bin) or 0 when out of memory. */
static uint32_t cell(struct regf *r, size_t n)
{
	size_t total = (n + 4 + 7) & ~(size_t)7;
	uint32_t at = (uint32_t)(32 + r->cells.len);
	char *p = buf_reserve(&r->cells, total);

	if (!p)
		return 0;
	memset(p, 0, total);
	put_le32((unsigned char *)p, (uint32_t) - (int32_t)total);
	buf_commit(&r->cells, total);
	return at;
}

static unsigned char *at(struct regf *r, uint32_t off)
{
	return (unsigned char *)r->cells.p + (off - 32) + 4;
}

static int cmp_key(const void *a, const void *b)
{
	const struct rkey *x = *(const struct rkey *const *)a,
	                  *y = *(const struct rkey *const *)b;

	return strcasecmp(x->name, y->name);
}

static uint32_t write_key(struct regf *r, struct rkey *k, uint32_t parent,
                          bool root)
{
	size_t nl = strlen(k->name), i;
	uint32_t nk = cell(r, 76 + nl), list = 0xffffffff, vals = 0xffffffff;
	uint32_t max_sub = 0, max_vname = 0, max_vdata = 0;
	uint32_t *subs = NULL;
	unsigned char *p;

	if (!nk)
		return 0;
	if (k->nsub) {
		qsort(k->sub, k->nsub, sizeof *k->sub, cmp_key);
		subs = calloc(k->nsub, sizeof *subs);
		if (!subs)
			return 0;
		for (i = 0; i < k->nsub; i++) {
			subs[i] = write_key(r, k->sub[i], nk, false);
			if (!subs[i]) {
				free(subs);
				return 0;
			}
			if (strlen(k->sub[i]->name) * 2 > max_sub)
				max_sub = (uint32_t)strlen(k->sub[i]->name) * 2;
		}
		/* an "li" list: offsets only, in name order */
		list = cell(r, 4 + 4 * k->nsub);
		if (!list) {
			free(subs);
			return 0;
		}
		p = at(r, list);
		memcpy(p, "li", 2);
		put_le16(p + 2, (uint16_t)k->nsub);
		for (i = 0; i < k->nsub; i++)
			put_le32(p + 4 + 4 * i, subs[i]);
		free(subs);
	}
	if (k->nval) {
		uint32_t *vo = calloc(k->nval, sizeof *vo);
		if (!vo)
			return 0;
		for (i = 0; i < k->nval; i++) {
			struct rval *v = &k->val[i];
			size_t vl = strlen(v->name);
			uint32_t vk = cell(r, 20 + vl), data = 0;
			if (!vk) {
				free(vo);
				return 0;
			}
			if (v->len > 4) {
				data = cell(r, v->len);
				if (!data) {
					free(vo);
					return 0;
				}
				memcpy(at(r, data), v->data, v->len);
			}
			p = at(r, vk);
			memcpy(p, "vk", 2);
			put_le16(p + 2, (uint16_t)vl);
			if (v->len <= 4) {
				/* small data lives in the offset field */
				put_le32(p + 4, (uint32_t)v->len | 0x80000000u);
				memcpy(p + 8, v->data, v->len);
			} else {
				put_le32(p + 4, (uint32_t)v->len);
				put_le32(p + 8, data);
			}
			put_le32(p + 12, v->type);
			put_le16(p + 16, 1); /* the name is ASCII */
			memcpy(p + 20, v->name, vl);
			vo[i] = vk;
			if (vl * 2 > max_vname)
				max_vname = (uint32_t)vl * 2;
			if (v->len > max_vdata)
				max_vdata = (uint32_t)v->len;
		}
		vals = cell(r, 4 * k->nval);
		if (!vals) {
			free(vo);
			return 0;
		}
		for (i = 0; i < k->nval; i++)
			put_le32(at(r, vals) + 4 * i, vo[i]);
		free(vo);
	}
	p = at(r, nk);
	memcpy(p, "nk", 2);
	put_le16(p + 2, root ? 0x2c : 0x20);
	put_le64(p + 4, filetime(k->time));
	put_le32(p + 16, root ? 0xffffffff : parent);
	put_le32(p + 20, (uint32_t)k->nsub);
	put_le32(p + 28, list);
	put_le32(p + 32, 0xffffffff);
	put_le32(p + 36, (uint32_t)k->nval);
	put_le32(p + 40, vals);
	put_le32(p + 44, r->sk);
	put_le32(p + 48, 0xffffffff);
	put_le32(p + 52, max_sub);
	put_le32(p + 60, max_vname);
	put_le32(p + 64, max_vdata);
	put_le16(p + 72, (uint16_t)nl);
	memcpy(p + 76, k->name, nl);
	return nk;
}

int regf_save(struct regf *r, const char *path)
{
	unsigned char base[4096], hbin[32], *p;
	uint32_t root, sum = 0, size;
	size_t i, pad;
	FILE *f;
	int rc = 0;

	buf_init(&r->cells, (size_t)1 << 30);
	/* one security cell shared by every key: a self-relative descriptor
	 * with a NULL DACL */
	r->sk = cell(r, 20 + 20);
	if (!r->sk)
		return EXH_ENOMEM;
	p = at(r, r->sk);
	memcpy(p, "sk", 2);
	put_le32(p + 4, r->sk);
	put_le32(p + 8, r->sk);
	put_le32(p + 12, 1);
	put_le32(p + 16, 20);
	p[20] = 1;
	put_le16(p + 22, 0x8004);
	root = write_key(r, &r->root, 0, true);
	if (!root) {
		buf_release(&r->cells);
		return EXH_ENOMEM;
	}
	size = (uint32_t)((32 + r->cells.len + 4095) & ~(size_t)4095);
	pad = size - 32 - r->cells.len;
	memset(base, 0, sizeof base);
	memcpy(base, "regf", 4);
	put_le32(base + 4, 1);
	put_le32(base + 8, 1);
	put_le64(base + 12, filetime(r->root.time));
	put_le32(base + 20, 1);
	put_le32(base + 24, 5);
	put_le32(base + 28, 0);
	put_le32(base + 32, 1);
	put_le32(base + 36, root);
	put_le32(base + 40, size);
	put_le32(base + 44, 1);
	for (i = 0; i < 508; i += 4)
		sum ^= (uint32_t)base[i] | (uint32_t)base[i + 1] << 8 |
		       (uint32_t)base[i + 2] << 16 |
		       (uint32_t)base[i + 3] << 24;
	put_le32(base + 508, sum);
	memset(hbin, 0, sizeof hbin);
	memcpy(hbin, "hbin", 4);
	put_le32(hbin + 8, size);
	put_le64(hbin + 20, filetime(r->root.time));
	f = fopen(path, "wb");
	if (!f) {
		log_error("%s: %s", path, strerror(errno));
		buf_release(&r->cells);
		return EXH_EIO;
	}
	fwrite(base, 1, sizeof base, f);
	fwrite(hbin, 1, sizeof hbin, f);
	fwrite(r->cells.p, 1, r->cells.len, f);
	if (pad) {
		/* the rest of the bin: one free cell */
		unsigned char fr[8] = {0};
		put_le32(fr, (uint32_t)pad);
		fwrite(fr, 1, pad < 8 ? pad : 8, f);
		for (i = 8; i < pad; i++)
			fputc(0, f);
	}
	if (ferror(f) | fclose(f)) {
		log_error("%s: %s", path, strerror(errno));
		rc = EXH_EIO;
	}
	buf_release(&r->cells);
	return rc;
}

static void free_key(struct rkey *k, bool self)
{
	size_t i;

	for (i = 0; i < k->nsub; i++)
		free_key(k->sub[i], true);
	free(k->sub);
	for (i = 0; i < k->nval; i++) {
		free(k->val[i].name);
		free(k->val[i].data);
	}
	free(k->val);
	free(k->name);
	if (self)
		free(k);
}

void regf_free(struct regf *r)
{
	if (!r)
		return;
	free_key(&r->root, false);
	free(r);
}
