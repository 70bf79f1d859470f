/* The prefork master: keeps `workers` children alive, reloads, stops. */
#ifndef BENCHINGEST_MASTER_H
#define BENCHINGEST_MASTER_H

#include "config.h"

/* Takes ownership of cfg.  Returns the process exit status. */
int	master_run(const char *config_path, struct config *cfg, int listen_fd);

#endif
