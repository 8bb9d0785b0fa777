/* Shared option-value parsing for the subcommands: every failure prints
 * "exhunt: --opt: 'value': what is wrong" and returns false. */
#ifndef EXH_CLI_ARGS_H
#define EXH_CLI_ARGS_H
#include <stdbool.h>
#include <stdint.h>

bool arg_u64(const char *opt, const char *val, uint64_t min, uint64_t max,
             uint64_t *out);
bool arg_int(const char *opt, const char *val, int min, int max, int *out);

#endif
