"""The C extensions and the package layout; everything else about the package is in pyproject.toml.

They are compiled twins of spamline/phones/htmltext.py and of the number finding in
spamline/phones/extract.py: the same output, several times faster. The Python code stays as
their reference (tests/phones/test_htmlscan.py, test_runscan.py) and as the fallback: without a
C compiler the install goes on without them (setuptools prints why), and extraction is slower.
"""
from setuptools import Extension, find_packages, setup

# crawler/ and pipelines/ stand at the top of the tree (the Scrapy project layout) but install as
# spamline.crawler and spamline.pipelines, so they never shadow another project's `crawler`.
MAPPED = {"spamline.crawler": "crawler", "spamline.pipelines": "pipelines"}


def compiled_twin(name: str) -> Extension:
    return Extension(f"spamline.phones.{name}", [f"spamline/phones/{name}.c"], extra_compile_args=["-O3"],
                     optional=True)


def packages() -> list[str]:
    own = find_packages(include=["spamline", "spamline.*"])
    for name, folder in MAPPED.items():
        own += [name] + [f"{name}.{sub}" for sub in find_packages(folder)]
    return own


setup(packages=packages(), package_dir=MAPPED,
      ext_modules=[compiled_twin("_htmlscan"), compiled_twin("_runscan"),
                   # the shingle hashing of spamline/brands/fingerprint.py
                   Extension("spamline.brands._shingles", ["spamline/brands/_shingles.c"],
                             extra_compile_args=["-O3"], optional=True)])
