/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nouveau-lockfix: the module init and exit of the target's nouveau.ko.
 *
 * Kbuild compiles nouveau_drm.o with -Dinit_module=nvlf_upstream_init_module
 * and -Dcleanup_module=nvlf_upstream_cleanup_module, so that the aliases
 * module_init()/module_exit() create there get these names and our own
 * module_init()/module_exit() can wrap them.
 */
#ifndef NVLF_MODULE_WRAP_H
#define NVLF_MODULE_WRAP_H

int nvlf_upstream_init_module(void);
void nvlf_upstream_cleanup_module(void);

#endif /* NVLF_MODULE_WRAP_H */
