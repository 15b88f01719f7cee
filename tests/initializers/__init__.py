"""Tests of KaimingNormal, KaimingUniform and calculate_gain; run on every Keras backend."""
