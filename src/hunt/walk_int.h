/* The walk's insides, shared by the tree sources: hunt/walk.c (the queue,
 * the workers, a folder on Linux) and hunt/walk_win.c (a folder, or the
 * live server, on Windows). */
#ifndef EXH_HUNT_WALK_INT_H
#define EXH_HUNT_WALK_INT_H
#include "hunt/hunt.h"
#include "hunt/walk.h"
#include "base/limits.h"
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct inode_slot {
	uint64_t dev, ino;
	char *first; /* NULL: empty */
};

/* A file opened by the walker, to be read by a worker. */
struct job {
	int fd; /* -1: only the name is known */
	char *rel, *lower;
	uint64_t size;
	int64_t mtime;
	int place;     /* the hunt's place of the file, 0 the folder */
	bool gone;     /* no longer on the live volume */
	uint64_t held; /* bytes it holds in memory until read */
	char raw;      /* Windows, live: held locked by the system, to be read
	                  through this drive's raw volume (fd is -1); 0 not */
	uint64_t *runs; /* a raw image's file (fd -1): (offset, length) pairs */
	int nruns, src; /* in src, the image; NULL: none */
};

struct walk {
	struct hunt *h;
	char rel[4096];
	char lower[4096];
	int64_t last_progress;
	uint64_t symlinks;
	int rootfd;
	int image_fd; /* a raw image, read by the workers (walk_file_runs) */
	bool atime_kept;     /* false once the kernel refused O_NOATIME */
	uint64_t links_read; /* links read to name their targets */
	/* Files with several names: (device, inode) -> the first name read;
	 * later names are aliases, given the first's findings at the end. */
	struct inode_slot *inodes;
	size_t inode_cap, inode_used;
	char **alias, **alias_of;
	size_t nalias, capalias, capalias_of;
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	struct job q[LIM_WALK_QUEUE];
	size_t head, count;
	uint64_t held; /* bytes the queued and running jobs hold */
	bool done;
};

/* Hands the file w->rel (open as fd, now the workers') of the folder to
 * the workers; out of memory, it is listed unreadable and closed. */
void walk_hand(struct walk *w, int fd, uint64_t size, int64_t mtime);
/* Whether a file with several names was read already under another
 * (dev, ino): then its name is kept as an alias and true returned. */
bool walk_alias(struct walk *w, uint64_t dev, uint64_t ino);

#ifdef _WIN32
/* Walks the folder root (UTF-8), or the live server when root is NULL. */
void walk_tree_win(struct walk *w, const char *root);
/* The live server's drives to walk (letters), its Exchange install noted
 * in h (hunt/live_win.c). */
int live_drives(struct hunt *h, char drives[2][4]);
/* The live registry's SYSTEM and SOFTWARE through the registry API, to
 * the hive detector under the hive files' names on drive. */
void live_registry(struct hunt *h, char drive);
/* Whether the live file w->rel, which the system holds open without
 * sharing, is one read through the raw volume (an event log or a hive):
 * then it is handed to the workers so, and true returned. */
bool walk_hand_locked(struct walk *w);
/* In a worker: the event log or hive j, read through its drive's raw
 * volume with libfsntfs in the bounded reader child (hunt/ntfs_win.c). */
void detect_locked(struct hunt *h, const struct job *j);
/* The raw volume of drive (a letter): --raw-volume's image, or \\.\X:. */
void raw_volume_name(const struct hunt *h, char drive, char *out, size_t cap);
/* Notes once per drive that its locked files are read through it. */
void raw_note(struct hunt *h, char drive);
#endif

#endif
