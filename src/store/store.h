/* The SQLite store: the schema every command shares (docs/scan-output.md),
 * versioned in table meta. */
#ifndef EXH_STORE_STORE_H
#define EXH_STORE_STORE_H

struct sqlite3;

#define STORE_SCHEMA_VERSION 1

/* Opens (creating when needed) the database at path with the current
 * schema; refuses a database from a newer exhunt. Errors are printed
 * naming path. *db is the caller's to sqlite3_close. */
int store_open(const char *path, struct sqlite3 **db);

#endif
