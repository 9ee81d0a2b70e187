"""The design sketch's dynamical-systems claims, measured on exactly simulated or real data."""
