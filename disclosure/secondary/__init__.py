"""Secondary (complementary) suppression: choosing which extra cells to hide so that no
primary cell can be recovered or narrowed down from the published cells and the tables'
additive relations (Hundepool et al., 2012, section 4.3; tau-ARGUS manual, "secondary
suppression")."""
