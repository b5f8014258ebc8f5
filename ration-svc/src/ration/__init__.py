"""Shubbak ration cards: households, eligibility, appeals"""
