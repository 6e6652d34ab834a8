"""The built-in questionnaire definitions (TOML), shipped as package data
`piramide.questionnaires` and read with importlib.resources (see piramide.questionnaire).

This file makes the folder a regular package: an editable install maps it into `piramide`
only then (setuptools' editable finder does not see a namespace package nested in a regular one).
"""
