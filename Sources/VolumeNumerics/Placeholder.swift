// VolumeNumerics
