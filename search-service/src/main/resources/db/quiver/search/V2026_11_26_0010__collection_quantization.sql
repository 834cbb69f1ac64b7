-- How a collection's index stores the vectors it searches: 'none' (float32, Chroma's behaviour) or 'int8'.
-- Fixed when the collection is created, since every segment of its shards is written in it; existing collections
-- were all created with full-precision vectors.
alter table collections add column quantization text not null default 'none'
    check (quantization in ('none', 'int8'));
