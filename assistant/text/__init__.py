"""Chinese text rules, one module per concern, shared by every stage.

citations (〔F2〕 and its variants), numerals (parse and format), headings (一、 （一） 1. （1）),
units and qualifiers, status words (done / planned), quantities (numbers, dates, titles, slots)
and facts (the user's material as F1, F2 …). Pure functions on strings; nothing here imports a
stage, the service or the UI.
"""
