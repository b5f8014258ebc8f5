"""Shubbak evidence service: the archive of signed events crossing authorities"""
