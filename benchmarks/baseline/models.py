from django.db import models


class Bay(models.Model):
    max_vehicles = models.PositiveSmallIntegerField()

    def __str__(self):
        return f"bay {self.pk}"


class Stay(models.Model):
    bay = models.ForeignKey(Bay, on_delete=models.CASCADE)
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["bay", "start"])]

    def __str__(self):
        return f"stay {self.pk} at bay {self.bay_id}"
