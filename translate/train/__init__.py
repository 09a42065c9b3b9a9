"""Closing the loop: corpus → split by article (``split``, ``filters``) → fine-tune
(``trainer``) → a model directory that ``translate``, ``models convert`` and ``bench`` take."""
