/* Messages for people, on stderr, prefixed "exhunt: ". */
#ifndef EXH_BASE_LOG_H
#define EXH_BASE_LOG_H

extern int log_verbosity; /* 0 quiet, 1 normal (default), 2 verbose */

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
