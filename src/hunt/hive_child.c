/* The registry reader's child side (see hunt/child.h): libregf reads the
 * hive on standard input and the keys where persistence lives go out as
 * lines (paths from the hive's root, '\\'-separated; times ISO 8601 UTC):
 *   K <tab> path <tab> last written
 *   V <tab> path <tab> value name <tab> type <tab> data as text
 *   S <tab> keys <tab> values <tab> damaged (in the whole hive)
 * Strings are UTF-8, numbers decimal, multi-strings joined by ';', binary
 * data as the UTF-16 text runs it holds (a task's actions). Exit 0 at the
 * end, 2 when the file is not a hive. */
#include "hunt/child.h"
#include "base/limits.h"
#include <libregf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "base/banned.h"

#ifdef _WIN32
/* The library's private libbfio (hunt/child.h), and its opening through
 * a libbfio handle, declared here with that handle's opaque type. */
bfio_init_fn libregf__libbfio_handle_initialize;
int libregf_file_open_file_io_handle(libregf_file_t *file, intptr_t *io,
                                     int flags, libregf_error_t **error);
#endif

#define MAX_KEYS 200000
#define MAX_VALUES_PER_KEY 512

static unsigned long nkeys, nvalues, damaged;

static void put(const char *s, bool last)
{
	child_put(s, strlen(s), last);
}

static void filetime(uint64_t ft, char *out, size_t cap)
{
	time_t t;
	struct tm tm;

	out[0] = '\0';
	if (ft < 116444736000000000ull)
		return;
	t = (time_t)((ft - 116444736000000000ull) / 10000000ull);
	if (gmtime_r(&t, &tm))
		strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void hive_utf16_runs(const uint8_t *d, size_t n, char *out, size_t cap)
{
	size_t i, o = 0, run = 0;

	for (i = 0; i + 1 < n && o + 2 < cap; i += 2) {
		if (d[i + 1] == 0 && d[i] >= 0x20 && d[i] < 0x7f) {
			out[o++] = (char)d[i];
			run++;
		} else if (run) {
			if (run < 3)
				o -= run; /* noise */
			else
				out[o++] = ' ';
			run = 0;
		}
	}
	if (run && run < 3)
		o -= run;
	out[o] = '\0';
}

static void value_line(const char *path, libregf_value_t *v)
{
	static char name[1024], text[LIM_HIVE_LINE / 2];
	static uint8_t data[LIM_HIVE_LINE];
	uint32_t type = 0, dw = 0;
	size_t size = 0;
	char num[32];

	name[0] = text[0] = '\0';
	if (libregf_value_is_corrupted(v, NULL) == 1)
		damaged++;
	libregf_value_get_utf8_name(v, (uint8_t *)name, sizeof name, NULL);
	libregf_value_get_value_type(v, &type, NULL);
	switch (type) {
	case LIBREGF_VALUE_TYPE_STRING:
	case LIBREGF_VALUE_TYPE_EXPANDABLE_STRING:
		if (libregf_value_get_value_utf8_string(v, (uint8_t *)text,
		                                        sizeof text, NULL) != 1)
			text[0] = '\0';
		break;
	case LIBREGF_VALUE_TYPE_INTEGER_32BIT_LITTLE_ENDIAN:
		if (libregf_value_get_value_32bit(v, &dw, NULL) == 1) {
			snprintf(num, sizeof num, "%u", dw);
			snprintf(text, sizeof text, "%s", num);
		}
		break;
	default:
		if (libregf_value_get_value_data_size(v, &size, NULL) == 1 &&
		    size > 0 && size <= sizeof data &&
		    libregf_value_get_value_data(v, data, size, NULL) == 1)
			hive_utf16_runs(data, size, text, sizeof text);
		if (type == LIBREGF_VALUE_TYPE_MULTI_VALUE_STRING)
			for (char *p = text; *p; p++)
				if (*p == ' ')
					*p = ';';
	}
	snprintf(num, sizeof num, "%u", type);
	put("V", false);
	put(path, false);
	put(name, false);
	put(num, false);
	put(text, true);
	nvalues++;
}

static void visit(libregf_key_t *k, const char *path, int depth)
{
	int nv = 0, ns = 0, i;
	uint64_t ft = 0;
	char when[32];

	if (nkeys >= MAX_KEYS)
		return;
	nkeys++;
	libregf_key_get_last_written_time(k, &ft, NULL);
	filetime(ft, when, sizeof when);
	put("K", false);
	put(path, false);
	put(when, true);
	if (libregf_key_get_number_of_values(k, &nv, NULL) != 1)
		damaged++, nv = 0;
	for (i = 0; i < nv && i < MAX_VALUES_PER_KEY; i++) {
		libregf_value_t *v = NULL;
		if (libregf_key_get_value(k, i, &v, NULL) == 1)
			value_line(path, v);
		else
			damaged++;
		libregf_value_free(&v, NULL);
	}
	fflush(stdout); /* out before a later key can blow the reader up */
	if (depth <= 0)
		return;
	if (libregf_key_get_number_of_sub_keys(k, &ns, NULL) != 1)
		damaged++, ns = 0;
	for (i = 0; i < ns; i++) {
		libregf_key_t *s = NULL;
		char name[512], sub[2048];
		if (libregf_key_get_sub_key(k, i, &s, NULL) != 1) {
			damaged++;
			continue;
		}
		name[0] = '\0';
		libregf_key_get_utf8_name(s, (uint8_t *)name, sizeof name,
		                          NULL);
		snprintf(sub, sizeof sub, "%s\\%s", path, name);
		visit(s, sub, depth - 1);
		libregf_key_free(&s, NULL);
	}
}

const struct hive_place hive_places[] = {
    /* clang-format off */
    {"Microsoft\\Windows\\CurrentVersion\\Run", 0},
    {"Microsoft\\Windows\\CurrentVersion\\RunOnce", 0},
    {"Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Run", 0},
    {"Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\RunOnce", 0},
    {"Software\\Microsoft\\Windows\\CurrentVersion\\Run", 0},
    {"Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce", 0},
    {"Microsoft\\Windows NT\\CurrentVersion\\Windows", 0},
    {"Wow6432Node\\Microsoft\\Windows NT\\CurrentVersion\\Windows", 0},
    {"Microsoft\\Windows NT\\CurrentVersion\\Winlogon", 0},
    {"Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options", 1},
    {"Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree", 8},
    {"Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tasks", 1},
    {"SAM\\Domains\\Account\\Users\\Names", 1},
    {"CS\\Services", 2},
    /* Amcache.hve: programs that ran, with their paths */
    {"Root\\InventoryApplicationFile", 1},
    {"CS\\Control\\SecurityProviders\\WDigest", 0},
    /* clang-format on */
};
const size_t hive_nplaces = sizeof hive_places / sizeof *hive_places;

/* Every key once, values counted, nothing written: damage anywhere in the
 * hive is counted even where no check looks. */
static unsigned long census_keys, census_values;

static void census(libregf_key_t *k, int depth)
{
	int nv = 0, ns = 0, i;

	if (census_keys >= MAX_KEYS * 10 || depth > 512)
		return;
	/* (libregf_key_is_corrupted is not used: it says yes of a fifth
	 * of the keys of intact hives) */
	census_keys++;
	if (libregf_key_get_number_of_values(k, &nv, NULL) == 1)
		census_values += (unsigned long)nv;
	else
		damaged++;
	if (libregf_key_get_number_of_sub_keys(k, &ns, NULL) != 1) {
		damaged++;
		return;
	}
	for (i = 0; i < ns; i++) {
		libregf_key_t *s = NULL;
		if (libregf_key_get_sub_key(k, i, &s, NULL) != 1) {
			damaged++;
			continue;
		}
		census(s, depth + 1);
		libregf_key_free(&s, NULL);
	}
}

static libregf_key_t *walk_to(libregf_key_t *root, const char *path)
{
	char part[512];
	libregf_key_t *k = root, *next = NULL;
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, "\\");
		snprintf(part, sizeof part, "%.*s", (int)n, p);
		next = NULL;
		if (libregf_key_get_sub_key_by_utf8_name(
		        k, (const uint8_t *)part, strlen(part), &next, NULL) !=
		        1 ||
		    !next) {
			if (k != root)
				libregf_key_free(&k, NULL);
			return NULL;
		}
		if (k != root)
			libregf_key_free(&k, NULL);
		k = next;
		p += n;
		if (*p == '\\')
			p++;
	}
	return k == root ? NULL : k;
}

int hive_child_main(void)
{
	libregf_file_t *f = NULL;
	libregf_key_t *root = NULL;
	int i, nroot = 0;
	size_t j;
	static char out[1 << 16];

	child_limits();
	setvbuf(stdout, out, _IOFBF, sizeof out);
	if (libregf_file_initialize(&f, NULL) != 1)
		return 3;
#ifdef _WIN32
	{
		/* standard input's file, or a locked one on a raw volume */
		int code;
		intptr_t *io = child_input_handle(
		    libregf__libbfio_handle_initialize, &code);
		if (!io)
			return code;
		if (libregf_file_open_file_io_handle(f, io, LIBREGF_OPEN_READ,
		                                     NULL) != 1)
			return 2;
	}
#else
	if (libregf_file_open(f, "/proc/self/fd/0", LIBREGF_OPEN_READ, NULL) !=
	    1)
		return 2;
#endif
	if (libregf_file_get_root_key(f, &root, NULL) != 1)
		return 2;
	if (libregf_file_is_corrupted(f, NULL) == 1)
		damaged++;
	libregf_key_get_number_of_sub_keys(root, &nroot, NULL);
	for (j = 0; j < hive_nplaces; j++) {
		if (!strncmp(hive_places[j].path, "CS\\", 3)) {
			for (i = 0; i < nroot; i++) {
				libregf_key_t *cs = NULL, *k;
				char name[256], full[1024];
				if (libregf_key_get_sub_key(root, i, &cs,
				                            NULL) != 1)
					continue;
				name[0] = '\0';
				libregf_key_get_utf8_name(cs, (uint8_t *)name,
				                          sizeof name, NULL);
				if (!strncasecmp(name, "ControlSet", 10) &&
				    (k = walk_to(cs,
				                 hive_places[j].path + 3))) {
					snprintf(full, sizeof full, "%s\\%s",
					         name, hive_places[j].path + 3);
					visit(k, full, hive_places[j].depth);
					libregf_key_free(&k, NULL);
				}
				libregf_key_free(&cs, NULL);
			}
		} else {
			libregf_key_t *k = walk_to(root, hive_places[j].path);
			if (k) {
				visit(k, hive_places[j].path,
				      hive_places[j].depth);
				libregf_key_free(&k, NULL);
			}
		}
	}
	census(root, 0);
	printf("S\t%lu\t%lu\t%lu\n", census_keys, census_values, damaged);
	libregf_key_free(&root, NULL);
	libregf_file_close(f, NULL);
	libregf_file_free(&f, NULL);
	return fflush(stdout) ? 3 : 0;
}
