/* Asynchronous IPv4 name resolution through c-ares, on the engine's event
 * loop. With a server ("127.0.0.1:5353") only that server is asked and the
 * hosts file is not read, so tests never touch the system resolver. */
#ifndef EXH_NET_RESOLVER_H
#define EXH_NET_RESOLVER_H
#include "net/loop.h"
#include <stdint.h>

struct resolver;
/* status 0 and ip on success; RESOLVER_CANCELLED when the resolver is
 * freed first; otherwise a c-ares error text in err. */
#define RESOLVER_CANCELLED (-1000)
typedef void (*resolver_cb)(void *arg, int status, uint32_t ip,
                            const char *err);

int resolver_new(struct resolver **out, struct loop *loop, const char *server);
void resolver_free(struct resolver *r);
/* Starts a lookup; cb runs from resolver_tick or the loop, never inside
 * this call. */
int resolver_lookup(struct resolver *r, const char *name, resolver_cb cb,
                    void *arg);
/* Handles timeouts; call every few tens of milliseconds. */
void resolver_tick(struct resolver *r);
int resolver_pending(const struct resolver *r);

#endif
