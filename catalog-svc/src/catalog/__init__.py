"""Shubbak catalog: services, fixed fees, roll-out"""
