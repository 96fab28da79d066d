from typing import Optional

__all__ = ['__version__', 'debug', 'cuda', 'git_version', 'hip']
__version__ = '2.8.0a0+git5228986'
debug = False
cuda: Optional[str] = '12.8'
git_version = '5228986c395dc79f90d2a2b991deea1eef188260'
hip: Optional[str] = None
