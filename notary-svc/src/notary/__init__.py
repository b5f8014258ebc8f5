"""Shubbak notary: powers of attorney and certificates"""
