__version__ = '2.4.1'
debug = False
cuda = '12.0'
git_version = 'Unknown'
hip = None
