/* pyenv-parse.h - parsers for what Python environments leave on disk. Each
 * returns owned strings; -EBADMSG (or NULL) when the input is not what it
 * should be. */
#pragma once

#include <stddef.h>

/* "python-3.11.9-h955ad1f_0.json" (the python package's conda-meta file)
 * -> "3.11.9"; NULL for any other package's file. */
char *pyenv_conda_meta_version(const char *filename);
/* The value of "key = value" in a pyvenv.cfg, or NULL. */
char *pyenv_cfg_get(const char *buf, size_t len, const char *key);
/* The string a top-level "NAME = '...'" (or "NAME: T = ...") line of a
 * Python file assigns: *ret owned, or NULL for None; -EBADMSG when no
 * line assigns NAME. */
int pyenv_py_assign(const char *buf, size_t len, const char *name, char **ret);
/* The cuda line of torch/version.py: *ret "12.1", or NULL for None. */
int pyenv_torch_cuda(const char *buf, size_t len, char **ret);
/* "torch-2.3.1+cu121.dist-info" -> "torch", "2.3.1+cu121"; names are
 * normalised as PyPI does (lower case, '_' and '.' -> '-'). */
int pyenv_dist_info(const char *dirname, char **ret_name, char **ret_version);
/* Debian's packages and setup.py installs: "torch-1.13.0a0+gitunknown.egg-info"
 * (a folder), "gpg-1.18.0-py3.11.egg-info" (a file) -> name, version;
 * "cryptography.egg-info" -> name, NULL. */
int pyenv_egg_info(const char *name, char **ret_name, char **ret_version);
/* The Version: header of a PKG-INFO (or METADATA), or NULL. */
char *pyenv_pkg_info_version(const char *buf, size_t len);
/* The absolute path on the first line of an .egg-link or a static
 * __editable__.NAME.pth (setup.py develop, pip install -e), or NULL. */
char *pyenv_first_path(const char *buf, size_t len);
/* The folder setuptools' __editable___NAME_finder.py maps package pkg to
 * ("MAPPING: dict[str, str] = {'torch': '/src/pytorch/torch'}"), or NULL. */
char *pyenv_finder_mapping(const char *buf, size_t len, const char *pkg);
