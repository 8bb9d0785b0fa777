/* Extractors: from one response's bytes to a fact about the server. Each
 * takes untrusted bytes as a view, is bounded, and has a fuzz harness. */
#ifndef EXH_SCAN_FINGERPRINT_H
#define EXH_SCAN_FINGERPRINT_H
#include "scan/judge.h"
#include "scan/knowledge.h"
#include <stdbool.h>

/* The OWA logon page's resource paths: "/owa/auth/15.1.2176/themes/..."
 * gives the CU (PREC_CU); "/owa/14.3.513.0/themes/..." (Exchange 2010)
 * gives the build (PREC_SU). Returns false when no such path is there. */
/* Could b be a real Exchange build (2007 to SE, numbers in the ranges
 * released)? A crafted 15.9.65535.65535 cannot. */
bool fp_plausible(build_t b);
bool fp_owa_path(struct view body, build_t *build, enum precision *prec);
/* Markers of an OWA logon page (title, OwaPage comment, scripts). */
bool fp_is_owa_page(struct view body);
/* X-OWA-Version (or X-ServerApplication "Exchange/15.01.2176.009"). */
bool fp_version_header(struct view value, build_t *build);
/* The exporttool ClickOnce manifest: the version of the assemblyIdentity
 * element whose name ends in ".application". */
bool fp_manifest(struct view body, build_t *build);

/* Does this answer come from Exchange Online (Microsoft's cloud front
 * doors) rather than an on-premises server? Markers: a 15.20-or-later
 * build in X-OWA-Version (on-premises lines end at 15.2), a front-end or
 * back-end name in the cloud's domains (X-CalculatedFETarget,
 * X-CalculatedBETarget, X-BEServer ending in .outlook.com,
 * .office365.com or .exchangelabs.com), a redirect to Azure AD or the
 * cloud's OWA. */
#include "net/http_resp.h"
bool fp_online_response(const struct http_resp *r);
/* A certificate subject CN of Microsoft's cloud mail front doors. */
bool fp_online_cn(const char *cn);

#define FP_NAME_MAX 128
struct ntlm_info {
	char netbios_computer[FP_NAME_MAX];
	char netbios_domain[FP_NAME_MAX];
	char dns_computer[FP_NAME_MAX];
	char dns_domain[FP_NAME_MAX];
	unsigned os_major, os_minor, os_build; /* 0 when absent */
};
/* Parses a WWW-Authenticate value "NTLM <base64 CHALLENGE_MESSAGE>". */
bool fp_ntlm(struct view value, struct ntlm_info *out);

#endif
