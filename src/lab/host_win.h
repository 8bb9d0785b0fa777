/* The Windows side of a lab host tree: event logs (.evtx, through
 * lab/evtx_write.c) and registry hives (lab/regf_write.c) with a busy
 * server's benign events and keys, and what each scenario adds, with the
 * persistence a correct hunt must list (docs/lab.md). */
#ifndef EXH_LAB_HOST_WIN_H
#define EXH_LAB_HOST_WIN_H
#include <stdbool.h>
#include <stdint.h>

struct winhost;

struct winhost *winhost_new(uint64_t seed);
/* Admins' scripts, updates, backups, ASP.NET compiling, Exchange's own
 * services, agents and tasks: all of it must stay informational. */
void winhost_benign(struct winhost *w);
/* CVE-2021-26857 through Unified Messaging, then LSASS dumped. */
void winhost_um_exploit(struct winhost *w);
/* ProxyShell's drop as the management log tells it. */
void winhost_mailbox_export(struct winhost *w);
/* What an attacker leaves to come back: a service, an account in the
 * administrators, a hidden task, an IIS module, a transport agent, a Run
 * key, WDigest on, and the Security log cleared. */
void winhost_returned(struct winhost *w);
/* The persistence kinds the scenarios planted (for the truth), as a
 * JSON array's members ("a","b"); "" if none. */
const char *winhost_persistence(struct winhost *w);
/* The same for the mail access granted (finding kinds, medium or worse),
 * to be joined with the ones the text logs show. */
const char *winhost_mail_access(struct winhost *w);
/* Whether a scenario opened a tunnel out (for the truth). */
bool winhost_tunnel(const struct winhost *w);
/* Writes the event logs in Windows/System32/winevt/Logs and
 * Windows/System32/config/{SYSTEM,SOFTWARE} under dir. 0 or an error. */
int winhost_write(struct winhost *w, const char *dir);
void winhost_free(struct winhost *w);

#endif
