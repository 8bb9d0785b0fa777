/* The live server on Windows: where Exchange is installed (the registry
 * of Exchange 2013 and later (v15), 2010 (v14), 2007; the
 * ExchangeInstallPath variable Exchange's setup sets), and which drives
 * to walk for it. */
#include "hunt/walk_int.h"
#include "base/log.h"
#include "hunt/child.h"
#include "hunt/detect.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "base/banned.h"

static const wchar_t *const setup_keys[] = {
    L"SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup",
    L"SOFTWARE\\Microsoft\\ExchangeServer\\v14\\Setup",
    L"SOFTWARE\\Microsoft\\Exchange\\Setup",
};

/* The install folder (UTF-8) into out, and where it was learned; false
 * when neither the registry nor the environment names one. */
static bool exchange_install(char *out, size_t n, const char **from)
{
	wchar_t v[MAX_PATH * 4];
	DWORD size;
	size_t i;

	/* RRF_RT_REG_SZ: a REG_EXPAND_SZ value comes expanded too. */
	for (i = 0; i < sizeof setup_keys / sizeof *setup_keys; i++) {
		size = sizeof v;
		if (RegGetValueW(HKEY_LOCAL_MACHINE, setup_keys[i],
		                 L"MsiInstallPath", RRF_RT_REG_SZ, NULL, v,
		                 &size) == ERROR_SUCCESS &&
		    v[0]) {
			char *s = win_utf8(v);
			if (s) {
				snprintf(out, n, "%s", s);
				free(s);
				*from = "the registry (MsiInstallPath)";
				return true;
			}
		}
	}
	size = GetEnvironmentVariableW(L"ExchangeInstallPath", v,
	                               sizeof v / sizeof *v);
	if (size && size < sizeof v / sizeof *v) {
		char *s = win_utf8(v);
		if (s) {
			snprintf(out, n, "%s", s);
			free(s);
			*from = "the ExchangeInstallPath variable";
			return true;
		}
	}
	return false;
}

static char drive_letter(const char *path)
{
	char c = path[0];

	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	return c >= 'A' && c <= 'Z' && path[1] == ':' ? c : 0;
}

int live_drives(struct hunt *h, char drives[2][4])
{
	char install[4096], sys[8] = "C:";
	const char *from = NULL;
	wchar_t wsys[8];
	int n = 0;
	char x;

	if (GetEnvironmentVariableW(L"SystemDrive", wsys, 8) == 2)
		snprintf(sys, sizeof sys, "%c:", (char)wsys[0]);
	drives[n][0] = drive_letter(sys) ? drive_letter(sys) : 'C';
	drives[n++][1] = 0;
	if (exchange_install(install, sizeof install, &from)) {
		size_t k, len;
		hunt_note(h, "Exchange install, from %s: %s", from, install);
		x = drive_letter(install);
		if (x && x != drives[0][0]) {
			drives[n][0] = x;
			drives[n++][1] = 0;
		}
		if (x) {
			/* named as the walk names it: "D/Program Files/..." */
			snprintf(h->exchange_dir, sizeof h->exchange_dir,
			         "%c/%s", x, install + (install[2] ? 3 : 2));
			len = strlen(h->exchange_dir);
			for (k = 0; k < len; k++)
				if (h->exchange_dir[k] == '\\')
					h->exchange_dir[k] = '/';
			while (len > 2 && h->exchange_dir[len - 1] == '/')
				h->exchange_dir[--len] = '\0';
		}
	} else {
		hunt_note(h,
		          "no Exchange install is named in the registry "
		          "(MsiInstallPath) or the environment "
		          "(ExchangeInstallPath): the system drive is hunted "
		          "as it is");
	}
	return n;
}

/* The live registry. The SYSTEM and SOFTWARE hive files are held by the
 * running system without sharing, so they cannot be opened as files
 * live; their keys are read through the registry API instead (the
 * 64-bit view), into the same lines the hive reader writes, and given to
 * the same detector under the hive file's name. This is the current
 * state: keys and values deleted from the hive are not seen this way. */
struct regout {
	struct buf b;
	unsigned long keys, values;
	bool full;
};

static void field(struct regout *o, const char *s, bool last)
{
	if (!o->full && child_escape(&o->b, s, strlen(s), last))
		o->full = true;
}

static void reg_value(struct regout *o, const char *path, const wchar_t *name,
                      DWORD type, const BYTE *data, DWORD n)
{
	static char text[LIM_HIVE_LINE / 2];
	char num[32], *u8 = win_utf8(name), *s;

	text[0] = '\0';
	if (type == REG_SZ || type == REG_EXPAND_SZ) {
		wchar_t *w = malloc(n + sizeof(wchar_t));
		if (w) {
			memcpy(w, data, n);
			w[n / sizeof(wchar_t)] = 0;
			if ((s = win_utf8(w))) {
				snprintf(text, sizeof text, "%s", s);
				free(s);
			}
			free(w);
		}
	} else if (type == REG_DWORD && n >= 4) {
		snprintf(text, sizeof text, "%u",
		         (unsigned)(data[0] | data[1] << 8 | data[2] << 16 |
		                    (unsigned)data[3] << 24));
	} else {
		hive_utf16_runs(data, n, text, sizeof text);
		if (type == REG_MULTI_SZ)
			for (s = text; *s; s++)
				if (*s == ' ')
					*s = ';';
	}
	snprintf(num, sizeof num, "%lu", (unsigned long)type);
	field(o, "V", false);
	field(o, path, false);
	field(o, u8 ? u8 : "", false);
	field(o, num, false);
	field(o, text, true);
	free(u8);
	o->values++;
}

static void reg_visit(struct regout *o, HKEY k, const char *path, int depth)
{
	DWORD nsub = 0, nval = 0, i;
	FILETIME ft = {0, 0};
	SYSTEMTIME st;
	char when[32] = "";
	static BYTE data[LIM_HIVE_LINE];
	wchar_t name[16384];

	if (o->keys >= 200000 || o->full)
		return;
	o->keys++;
	if (RegQueryInfoKeyW(k, NULL, NULL, NULL, &nsub, NULL, NULL, &nval,
	                     NULL, NULL, NULL, &ft) != ERROR_SUCCESS)
		return;
	if ((ft.dwLowDateTime || ft.dwHighDateTime) &&
	    FileTimeToSystemTime(&ft, &st))
		snprintf(when, sizeof when, "%04u-%02u-%02uT%02u:%02u:%02uZ",
		         st.wYear, st.wMonth, st.wDay, st.wHour, st.wMinute,
		         st.wSecond);
	field(o, "K", false);
	field(o, path, false);
	field(o, when, true);
	for (i = 0; i < nval && i < 512; i++) {
		DWORD nn = sizeof name / sizeof *name, dn = sizeof data, type;
		LONG r = RegEnumValueW(k, i, name, &nn, NULL, &type, data, &dn);
		if (r == ERROR_MORE_DATA) {
			/* past the line bound: named, its data left out */
			dn = 0;
			nn = sizeof name / sizeof *name;
			r = RegEnumValueW(k, i, name, &nn, NULL, &type, NULL,
			                  NULL);
		}
		if (r == ERROR_SUCCESS)
			reg_value(o, path, name, type, data, dn);
	}
	for (i = 0; depth > 0 && i < nsub; i++) {
		DWORD nn = sizeof name / sizeof *name;
		HKEY s;
		char *u8, sub[2048];
		if (RegEnumKeyExW(k, i, name, &nn, NULL, NULL, NULL, NULL) !=
		    ERROR_SUCCESS)
			continue;
		if (RegOpenKeyExW(k, name, 0, KEY_READ | KEY_WOW64_64KEY, &s) !=
		    ERROR_SUCCESS)
			continue;
		if ((u8 = win_utf8(name))) {
			snprintf(sub, sizeof sub, "%s\\%s", path, u8);
			free(u8);
			reg_visit(o, s, sub, depth - 1);
		}
		RegCloseKey(s);
	}
}

/* Opens root\path (UTF-8, backslashes). */
static bool reg_open(HKEY root, const char *path, HKEY *out)
{
	wchar_t *w = win_wide(path);
	bool ok = w && RegOpenKeyExW(root, w, 0, KEY_READ | KEY_WOW64_64KEY,
	                             out) == ERROR_SUCCESS;

	free(w);
	return ok;
}

/* The control sets of the SYSTEM hive: ControlSet00N (Windows), or
 * CurrentControlSet where it is a key of its own (wine). */
static int control_sets(HKEY system, char sets[4][64])
{
	wchar_t name[256];
	DWORD i, nn;
	int n = 0;
	char *u8;

	for (i = 0; n < 4; i++) {
		nn = 256;
		if (RegEnumKeyExW(system, i, name, &nn, NULL, NULL, NULL,
		                  NULL) != ERROR_SUCCESS)
			break;
		if (_wcsnicmp(name, L"ControlSet", 10) ||
		    !(u8 = win_utf8(name)))
			continue;
		snprintf(sets[n++], 64, "%s", u8);
		free(u8);
	}
	if (!n) {
		HKEY k;
		if (RegOpenKeyExW(system, L"CurrentControlSet", 0,
		                  KEY_READ | KEY_WOW64_64KEY,
		                  &k) == ERROR_SUCCESS) {
			RegCloseKey(k);
			snprintf(sets[n++], 64, "CurrentControlSet");
		}
	}
	return n;
}

void live_registry(struct hunt *h, char drive)
{
	static const char *const hives[] = {"SYSTEM", "SOFTWARE"};
	size_t i, j;

	for (i = 0; i < 2; i++) {
		struct regout o;
		char rel[128], sets[4][64];
		HKEY root, k;
		int nsets = 0, s;
		memset(&o, 0, sizeof o);
		snprintf(rel, sizeof rel, "%c/Windows/System32/config/%s",
		         drive, hives[i]);
		if (!reg_open(HKEY_LOCAL_MACHINE, hives[i], &root)) {
			hunt_unreadable(h, rel,
			                "the live registry hive could not be "
			                "opened (run as an administrator)");
			continue;
		}
		buf_init(&o.b, (size_t)256 << 20);
		if (i == 0)
			nsets = control_sets(root, sets);
		for (j = 0; j < hive_nplaces; j++) {
			const char *p = hive_places[j].path;
			char full[1024];
			if (!strncmp(p, "CS\\", 3)) {
				for (s = 0; s < nsets; s++) {
					snprintf(full, sizeof full, "%s\\%s",
					         sets[s], p + 3);
					if (reg_open(root, full, &k)) {
						reg_visit(&o, k, full,
						          hive_places[j].depth);
						RegCloseKey(k);
					}
				}
			} else if (reg_open(root, p, &k)) {
				reg_visit(&o, k, p, hive_places[j].depth);
				RegCloseKey(k);
			}
		}
		RegCloseKey(root);
		{
			char sline[96];
			snprintf(sline, sizeof sline, "S\t%lu\t%lu\t0\n",
			         o.keys, o.values);
			if (!o.full && buf_adds(&o.b, sline))
				o.full = true;
		}
		detect_hive_lines(h, rel, o.b.p ? o.b.p : "", o.b.len);
		if (o.full)
			hunt_unreadable(h, rel,
			                "the live registry's keys passed the "
			                "memory bound: read in part");
		h->cov[LS_REGISTRY].files++;
		h->cov[LS_REGISTRY].lines += o.keys;
		buf_release(&o.b);
	}
	hunt_note(h, "the registry hives SYSTEM and SOFTWARE are held by the "
	             "running system: their keys were read through the "
	             "registry API (the current state; keys and values "
	             "deleted from the hives are not seen this way)");
}
