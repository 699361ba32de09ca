"""The qualitative pages: projects, sources and coding, codebook, quote bank."""
