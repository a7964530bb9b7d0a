// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon.c - the shared daemon context's helpers: the loop's clock and the
 * names of the TAP I/O modes.
 */
#include "tapsw/tapsw.h"

#include <string.h>
#include <uv.h>

#include "tapsw/daemon.h"

static const char *const io_mode_names[] = {
	[IO_AUTO] = "auto",
	[IO_PLAIN] = "plain",
	[IO_URING] = "uring",
};

const char *io_mode_name(enum io_mode mode)
{
	return (unsigned int)mode < ARRAY_SIZE(io_mode_names) ?
	       io_mode_names[mode] : "unknown";
}

int io_mode_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(io_mode_names); i++)
		if (!strcmp(name, io_mode_names[i]))
			return (int)i;
	return -EINVAL;
}

uint64_t daemon_now_ms(const struct daemon *d)
{
	return d && d->loop ? uv_now(d->loop) : 0;
}
