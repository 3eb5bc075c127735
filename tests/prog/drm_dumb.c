// SPDX-License-Identifier: GPL-2.0
/*
 * drm_dumb - exercise the mmap fault path of a DRM driver through a dumb
 * buffer and report the result as TAP.
 *
 * Usage: drm_dumb [-x OFFSET] [/dev/dri/cardN]
 *
 * Steps (each one is a TAP test point; the plan comes after the last; a
 * fatal step ends the run there):
 *   1  open the card
 *   2  DRM_IOCTL_MODE_CREATE_DUMB (256x256x32 -> 64 pages)
 *   3  DRM_IOCTL_MODE_MAP_DUMB
 *   4  mmap MAP_SHARED, write pattern A over every page, munmap
 *   5  mmap again, read pattern A back
 *   6  fork; child: inherited mapping shows pattern A
 *   7  child: a fresh mmap of the same buffer shows pattern A
 *   8  child: writes pattern B through the fresh mapping, exits 0
 *   9  parent: pattern B visible through its own (pre-fork) mapping
 *  10  DRM_IOCTL_MODE_DESTROY_DUMB
 *
 * A wrong byte is reported with its offset, the expected and the actual
 * value and the number of wrong bytes.  -x OFFSET flips the byte at OFFSET
 * just before step 5 reads the buffer back: a self-test showing that the
 * verification does catch corruption (step 5 and later must then fail).
 *
 * Exit status: 0 if all test points passed, 1 if any failed, 2 on usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <drm.h>
#include <drm_mode.h>

#include "nvdev.h"
#include "tap.h"

#define DUMB_WIDTH	256
#define DUMB_HEIGHT	256
#define DUMB_BPP	32

/* child exit status bits, decoded by the parent into test points 6..8 */
#define CHILD_INHERITED_BAD	0x01
#define CHILD_MMAP_FAILED	0x02
#define CHILD_FRESH_BAD		0x04
#define CHILD_WRITE_FAILED	0x08

enum pattern { PATTERN_A, PATTERN_B };

/* The end after a fatal step: the steps after it are not run. */
static int stop_here(const char *why)
{
	diag("drm_dumb: the remaining steps not run: %s", why);
	tap_done();
	return 1;
}

/* 32-bit word @idx of a pattern: distinct on every page and every word */
static uint32_t pattern_word(size_t idx, enum pattern which)
{
	uint64_t x = (uint64_t)idx * 0x9e3779b97f4a7c15ull + 0xd1b54a32d192ed03ull;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	/* B differs from A in every byte */
	return which == PATTERN_A ? (uint32_t)x : ~(uint32_t)x;
}

static void fill(volatile uint32_t *map, size_t size, enum pattern which)
{
	size_t i;

	for (i = 0; i < size / 4; i++)
		map[i] = pattern_word(i, which);
}

/*
 * Compare the mapping with a pattern.  Returns the number of wrong bytes;
 * the first one is described in @msg.
 */
static size_t verify(const volatile uint32_t *map, size_t size,
		     enum pattern which, char *msg, size_t msglen)
{
	size_t i, b, bad = 0;

	msg[0] = '\0';
	for (i = 0; i < size / 4; i++) {
		uint32_t want = pattern_word(i, which);
		uint32_t got = map[i];
		uint8_t wb[4], gb[4];

		if (got == want)
			continue;
		memcpy(wb, &want, 4);
		memcpy(gb, &got, 4);
		for (b = 0; b < 4; b++) {
			if (wb[b] == gb[b])
				continue;
			if (!bad)
				snprintf(msg, msglen,
					 "first wrong byte at offset 0x%zx (page %zu): expected 0x%02x, got 0x%02x",
					 i * 4 + b, (i * 4 + b) / 4096,
					 wb[b], gb[b]);
			bad++;
		}
	}
	return bad;
}

static void *map_buffer(int fd, uint64_t offset, size_t size)
{
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    (off_t)offset);
}

/* test point helper: verify and report; returns 1 if the pattern matched */
static int check_pattern(const volatile uint32_t *map, size_t size,
			 enum pattern which, const char *what)
{
	char msg[160];
	size_t bad = verify(map, size, which, msg, sizeof(msg));

	if (bad)
		diag("%s: %zu of %zu bytes wrong; %s", what, bad, size, msg);
	tap(!bad, "%s", what);
	return !bad;
}

static int child(int fd, uint64_t offset, size_t size,
		 const volatile uint32_t *inherited)
{
	char msg[160];
	volatile uint32_t *map;
	size_t bad;
	int status = 0;

	bad = verify(inherited, size, PATTERN_A, msg, sizeof(msg));
	if (bad) {
		diag("child: inherited mapping: %zu bytes wrong; %s", bad, msg);
		status |= CHILD_INHERITED_BAD;
	}

	map = map_buffer(fd, offset, size);
	if (map == MAP_FAILED) {
		diag("child: mmap: %s", strerror(errno));
		return status | CHILD_MMAP_FAILED | CHILD_FRESH_BAD |
		       CHILD_WRITE_FAILED;
	}
	bad = verify(map, size, PATTERN_A, msg, sizeof(msg));
	if (bad) {
		diag("child: fresh mapping: %zu bytes wrong; %s", bad, msg);
		status |= CHILD_FRESH_BAD;
	}
	fill(map, size, PATTERN_B);
	if (munmap((void *)map, size)) {
		diag("child: munmap: %s", strerror(errno));
		status |= CHILD_WRITE_FAILED;
	}
	return status;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: drm_dumb [-x OFFSET] [/dev/dri/cardN]\n");
}

int main(int argc, char **argv)
{
	struct drm_mode_create_dumb create = {
		.width = DUMB_WIDTH, .height = DUMB_HEIGHT, .bpp = DUMB_BPP,
	};
	struct drm_mode_map_dumb mreq = { 0 };
	struct drm_mode_destroy_dumb dreq = { 0 };
	const char *path = "/dev/dri/card0";
	long long inject = -1;
	volatile uint32_t *map;
	char name[64], ver[256];
	size_t size, min_size;
	int fd, opt, wstatus, ok;
	pid_t pid;

	while ((opt = getopt(argc, argv, "hx:")) != -1) {
		switch (opt) {
		case 'x': {
			char *end;

			inject = strtoll(optarg, &end, 0);
			if (*end || inject < 0) {
				usage(stderr);
				return 2;
			}
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return 2;
	}
	if (optind < argc)
		path = argv[optind];

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* 1: open */
	fd = open(path, O_RDWR | O_CLOEXEC);
	tap(fd >= 0, "open %s%s%s", path, fd < 0 ? ": " : "",
	    fd < 0 ? strerror(errno) : "");
	if (fd < 0) {
		return stop_here("no device");
	}
	if (!drm_describe(fd, name, sizeof(name), ver, sizeof(ver)))
		diag("driver %s", ver);

	/* 2: create */
	min_size = (size_t)DUMB_WIDTH * DUMB_HEIGHT * DUMB_BPP / 8;
	if (drm_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create)) {
		tap(0, "create dumb buffer %ux%ux%u: %s", DUMB_WIDTH,
		    DUMB_HEIGHT, DUMB_BPP, strerror(errno));
		return stop_here("no buffer");
	}
	size = create.size;
	ok = size >= min_size && create.pitch >= DUMB_WIDTH * DUMB_BPP / 8 &&
	     create.handle != 0;
	tap(ok, "create dumb buffer %ux%ux%u: handle %u pitch %u size %zu (%zu pages)",
	    DUMB_WIDTH, DUMB_HEIGHT, DUMB_BPP, create.handle, create.pitch,
	    size, size / 4096);
	if (!ok) {
		diag("expected size >= %zu, pitch >= %u, handle != 0",
		     min_size, DUMB_WIDTH * DUMB_BPP / 8);
		return stop_here("bad buffer");
	}

	/* 3: map (fake offset) */
	mreq.handle = create.handle;
	if (drm_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &mreq)) {
		tap(0, "map dumb buffer: %s", strerror(errno));
		return stop_here("no mmap offset");
	}
	tap(1, "map dumb buffer: mmap offset 0x%" PRIx64, (uint64_t)mreq.offset);

	/* 4: first mapping, write pattern A over every page */
	map = map_buffer(fd, mreq.offset, size);
	if (map == MAP_FAILED) {
		tap(0, "mmap #1: %s", strerror(errno));
		return stop_here("mmap failed");
	}
	fill(map, size, PATTERN_A);
	ok = !munmap((void *)map, size);
	tap(ok, "mmap #1, write pattern A over %zu pages, munmap%s%s",
	    size / 4096, ok ? "" : ": ", ok ? "" : strerror(errno));

	/* 5: second mapping reads pattern A back; it stays mapped over fork */
	map = map_buffer(fd, mreq.offset, size);
	if (map == MAP_FAILED) {
		tap(0, "mmap #2: %s", strerror(errno));
		return stop_here("mmap failed");
	}
	if (inject >= 0) {
		if ((unsigned long long)inject >= size) {
			diag("-x %lld is beyond the buffer (%zu bytes)",
			     inject, size);
			return 2;
		}
		diag("self-test: flipping the byte at offset 0x%llx",
		     inject);
		((volatile uint8_t *)map)[inject] ^= 0xff;
	}
	check_pattern(map, size, PATTERN_A,
		      "mmap #2 reads pattern A back from every page");

	/* 6..8: child */
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		tap(0, "fork: %s", strerror(errno));
		return stop_here("fork failed");
	}
	if (pid == 0) {
		int st = child(fd, mreq.offset, size, map);

		fflush(stdout);
		_exit(st);
	}
	if (waitpid(pid, &wstatus, 0) != pid) {
		tap(0, "waitpid: %s", strerror(errno));
		return stop_here("lost the child");
	}
	if (WIFEXITED(wstatus)) {
		int st = WEXITSTATUS(wstatus);

		tap(!(st & CHILD_INHERITED_BAD),
		    "child: inherited mapping shows parent's pattern");
		tap(!(st & (CHILD_MMAP_FAILED | CHILD_FRESH_BAD)),
		    "child: fresh mapping shows parent's pattern");
		tap(st == 0, "child: wrote pattern B and exited with status %d",
		    st);
	} else {
		int sig = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;

		diag("child killed by signal %d (%s)", sig, strsignal(sig));
		tap(0, "child: inherited mapping shows parent's pattern (child killed by signal %d)",
		    sig);
		tap(0, "child: fresh mapping shows parent's pattern (child killed by signal %d)",
		    sig);
		tap(0, "child: wrote pattern B and exited (killed by signal %d)",
		    sig);
	}

	/* 9: parent sees B through the mapping made before fork */
	check_pattern(map, size, PATTERN_B,
		      "parent sees child's pattern B through its own mapping");
	if (munmap((void *)map, size))
		diag("munmap #2: %s", strerror(errno));

	/* 10: destroy */
	dreq.handle = create.handle;
	ok = !drm_ioctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dreq);
	tap(ok, "destroy dumb buffer%s%s", ok ? "" : ": ",
	    ok ? "" : strerror(errno));
	close(fd);

	diag("drm_dumb: %u of %u test points failed", tap_failures(),
	     tap_points());
	return tap_done();
}
