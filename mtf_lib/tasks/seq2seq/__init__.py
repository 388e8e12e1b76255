"""Seq2seq: generate a text from a text (translation), scored with sacreBLEU."""
