/* Lab host trees: a realistic Exchange server's files and logs, with
 * benign traffic at volume and chosen compromise scenarios injected, plus
 * the truth a correct hunt must reach (docs/lab.md). */
#ifndef EXH_LAB_HOST_H
#define EXH_LAB_HOST_H
#include <stdint.h>

/* Names of the scenarios, NULL-terminated. */
extern const char *const lab_scenarios[];

struct host_opts {
	const char *dir; /* created; must not exist or be empty */
	uint64_t seed;
	const char *scenarios; /* comma list; "clean" alone is a clean tree */
	double size_gb;        /* benign log volume */
	/* also written as a disk image there (.raw, .E01, .vhd, .vhdx),
	 * with what only an image holds (docs/lab.md); NULL: none */
	const char *image;
};

/* Writes the tree under o->dir and the truth (JSON) to truth_path, which
 * must lie outside the tree. Errors are printed; returns an exit code. */
int lab_host_write(const struct host_opts *o, const char *truth_path);

#endif
