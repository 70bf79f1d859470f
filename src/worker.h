/* One worker process: accepts and answers requests one at a time. */
#ifndef BENCHINGEST_WORKER_H
#define BENCHINGEST_WORKER_H

#include "config.h"

/* Returns when told to stop or after max_requests; never calls exit(). */
int	worker_run(const struct config *, int listen_fd);

#endif
