// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_UAPI_NOUVEAU_ABI16
 * tracks: 7a5d5f9c0587 "drm/nouveau: fixup the uapi header file." (v6.6):
 *	GETPARAM, CHANNEL_ALLOC and CHANNEL_FREE and their structs moved from
 *	nouveau's private nouveau_abi16.h to uapi <drm/nouveau_drm.h>.  Used
 *	by the test driver (tests/kmod), which speaks that uapi.
 * lines: 6.12 7.2 7.3
 */
#include <drm/nouveau_drm.h>

unsigned long nvlf_probe(struct drm_nouveau_getparam *p,
			 struct drm_nouveau_channel_alloc *c)
{
	return p->param + NOUVEAU_GETPARAM_CHIPSET_ID + c->channel +
	       DRM_IOCTL_NOUVEAU_CHANNEL_FREE;
}
