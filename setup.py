"""Packaging detail pyproject.toml cannot express: the top-level `templates/` and
`schemas/` folders ship inside the wheel as `statuspage/templates/` and
`statuspage/schemas/`, where the code looks when the source tree is not there."""

from __future__ import annotations

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(include=["probes*", "storage*", "statuspage*"]),
        "statuspage.templates",
        "statuspage.templates.admin",
        "statuspage.schemas",
    ],
    package_dir={"statuspage.templates": "templates", "statuspage.schemas": "schemas"},
)
