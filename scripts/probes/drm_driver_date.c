// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_DRM_DRIVER_DATE
 * tracks: struct drm_driver lost its unused .date (present in v6.12, gone
 *	in v7.2; the commit is not identified here).  Defined where the
 *	field still exists.  Used by the test driver.
 * lines: 5.10 6.1 6.12
 */
#include <drm/drm_drv.h>

const char *nvlf_probe(const struct drm_driver *drv)
{
	return drv->date;
}
