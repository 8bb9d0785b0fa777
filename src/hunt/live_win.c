/* The live server on Windows: where Exchange is installed (the registry
 * of Exchange 2013 and later (v15), 2010 (v14), 2007; the
 * ExchangeInstallPath variable Exchange's setup sets), and which drives
 * to walk for it. */
#include "hunt/walk_int.h"
#include "base/log.h"
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
