/* The lab's resolver: answers A queries for persona host names
 * (ex-A-B-C-D.lab.exhunt.test) inside the fleet's range, on loopback UDP. */
#ifndef EXH_LAB_DNS_H
#define EXH_LAB_DNS_H
#include <stddef.h>
#include <stdint.h>

/* Builds the answer to one query packet into out (cap bytes) for a fleet
 * of count addresses from base. Returns the answer length, or 0 when the
 * packet is not a query worth answering (it is then dropped). */
size_t lab_dns_answer(const unsigned char *q, size_t n, uint32_t base,
                      uint64_t count, unsigned char *out, size_t cap);

#endif
