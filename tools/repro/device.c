// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf-repro: the device (nouveau or nvlf_test: open, channel), the
 * ioctl wrapper of the scenarios and the BOs they create (the rest:
 * tests/lib nvdev.c and bo.c).
 */
#include "repro.h"

struct repro_dev D = { .nv = { .fd = -1, .chan = -1 } };

/*
 * An ioctl of the scenarios: restarted on EINTR/EAGAIN (nv_ioctl()), under
 * fault injection in the threads that asked for it (--injected).
 */
int xioctl(unsigned long req, void *arg)
{
	int r;

	make_it_fail(true);
	r = nv_ioctl(D.nv.fd, req, arg);
	make_it_fail(false);
	return r;
}

static bool wanted_driver(const char *n)
{
	return !strcmp(n, "nouveau") || !strcmp(n, NVLF_TEST_DRIVER_NAME);
}

/* --device PATH, or the first node of nouveau, else of nvlf_test */
static int dev_open(char *err, size_t len)
{
	char seen[200];
	const char *p;

	if (opt.device) {
		if (nvdev_open(&D.nv, opt.device, NULL, err, len))
			return -1;
		if (!wanted_driver(D.nv.name)) {
			snprintf(err, len,
				 "%s: driver \"%s\" is neither nouveau nor %s",
				 opt.device, D.nv.name, NVLF_TEST_DRIVER_NAME);
			close(D.nv.fd);
			D.nv.fd = -1;
			return -1;
		}
		return 0;
	}
	if (!nvdev_open(&D.nv, NULL, "nouveau", err, len) ||
	    !nvdev_open(&D.nv, NULL, NVLF_TEST_DRIVER_NAME, err, len))
		return 0;
	/* what nvdev_open() saw: "... (seen: NODE=DRIVER ...)" */
	p = strstr(err, "(seen:");
	snprintf(seen, sizeof(seen), "%s", p ? p + 6 : " none)");
	seen[strcspn(seen, ")")] = '\0';
	snprintf(err, len,
		 "no /dev/dri/card* or renderD* with driver nouveau or %s (seen:%s); use --device",
		 NVLF_TEST_DRIVER_NAME, seen);
	return -1;
}

static int chan_try(uint32_t fb, uint32_t tt)
{
	struct drm_nouveau_channel_alloc a;
	int r;

	memset(&a, 0, sizeof(a));
	a.fb_ctxdma_handle = fb;
	a.tt_ctxdma_handle = tt;
	r = nv_ioctl(D.nv.fd, DRM_IOCTL_NOUVEAU_CHANNEL_ALLOC, &a);
	if (!r)
		D.nv.chan = a.channel;
	return r;
}

/* libdrm's ways: Kepler+ names an engine, older GPUs two ctxdma handles */
static int chan_alloc(void)
{
	bool kepler = D.nouveau && D.nv.chipset >= 0xe0;
	int r;

	r = kepler ? chan_try(~0u, NOUVEAU_FIFO_ENGINE_GR) :
		     chan_try(0xbeef0201, 0xbeef0202);
	if (r)
		r = kepler ? chan_try(0xbeef0201, 0xbeef0202) :
			     chan_try(~0u, NOUVEAU_FIFO_ENGINE_GR);
	return r;
}

int dev_setup(char *err, size_t len)
{
	int r;

	if (dev_open(err, len))
		return -1;
	D.test = !strcmp(D.nv.name, NVLF_TEST_DRIVER_NAME);
	D.nouveau = !D.test;
	D.module = D.test ? NVLF_TEST_DRIVER_NAME : "nouveau";
	stats_drv = D.test ? NVLF_TEST_STATS : NVLF_NOUVEAU_STATS;
	r = nv_getparam(D.nv.fd, NOUVEAU_GETPARAM_CHIPSET_ID, &D.nv.chipset);
	if (r) {
		snprintf(err, len, "%s (%s): GETPARAM CHIPSET_ID: %s", D.nv.path,
			 D.nv.name, strerror(-r));
		return -1;
	}
	r = chan_alloc();
	if (r) {
		snprintf(err, len, "%s (%s): CHANNEL_ALLOC: %s", D.nv.path, D.nv.name,
			 strerror(-r));
		return -1;
	}
	D.reject = (D.nouveau && !opt.submit) || opt.reject;
	/* nouveau relocates only for GPUs without a VM (before NV50) */
	D.relocs = !D.reject && (D.test || D.nv.chipset < 0x50);
	D.push_len = D.test ? 8 : 0;
	return 0;
}

/* real nouveau: GART, which any GPU can map for the CPU */
int repro_bo_new(uint32_t domain, unsigned int pages, struct nvbo *b)
{
	return bo_new(D.nv.fd, D.test ? domain : NV_GART,
		      (uint64_t)pages * NV_PAGE, b);
}
