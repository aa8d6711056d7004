"""The C extensions; everything else about the package is in pyproject.toml.

They are compiled twins of spamline/phones/htmltext.py and of the number finding in
spamline/phones/extract.py: the same output, several times faster. The Python code stays as
their reference (tests/phones/test_htmlscan.py, test_runscan.py) and as the fallback: without a
C compiler the install goes on without them (setuptools prints why), and extraction is slower.
"""
from setuptools import Extension, setup


def compiled_twin(name: str) -> Extension:
    return Extension(f"spamline.phones.{name}", [f"spamline/phones/{name}.c"], extra_compile_args=["-O3"],
                     optional=True)


setup(ext_modules=[compiled_twin("_htmlscan"), compiled_twin("_runscan")])
