/*
 * Workers handle every byte a client sends, so when benchingest starts as
 * root they give up root for the configured user before touching a
 * request.  The master keeps root only to re-read root-owned config and
 * token files on SIGHUP; it never handles a request.
 */
#ifndef BENCHINGEST_PRIVSEP_H
#define BENCHINGEST_PRIVSEP_H

#include <stddef.h>

/* At start: refuse root without a user to drop to, or an unknown user. */
int	privsep_check(const char *user, char *why, size_t whylen);
/* In a new worker: become user (groups, gid, uid), for good. */
int	privsep_drop(const char *user, char *why, size_t whylen);
/* Who we are, as id(1) says it: "uid=0(root) gid=0(root) groups=0(root)". */
void	privsep_identity(char *buf, size_t size);

#endif
