/* Functions that make bounds or errors invisible. Included last by every .c
 * file, so using one fails to compile. */
#ifndef EXH_BASE_BANNED_H
#define EXH_BASE_BANNED_H

#define BANNED(f) sorry_##f##_is_banned_in_exhunt
#undef strcpy
#define strcpy(...) BANNED(strcpy)
#undef strcat
#define strcat(...) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef gets
#define gets(...) BANNED(gets)
#undef atoi
#define atoi(...) BANNED(atoi)
#undef atol
#define atol(...) BANNED(atol)
#undef sscanf
#define sscanf(...) BANNED(sscanf)

#endif
